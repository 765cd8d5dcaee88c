"""`formcheck batch`: many videos, one report each and a cohort summary, on this machine or on a Ray cluster.

inputs (what to analyse) -> records (what is already done) -> an engine runs ``worker.analyze_one`` per video
(local processes or Ray tasks) -> reports, records and the summary are written by the driver, atomically.
"""
