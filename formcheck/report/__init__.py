"""Form reports: one report dictionary (the JSON contract), written as JSON, CSV or HTML."""
