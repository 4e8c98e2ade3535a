"""Questionnaire files in and out: YAML (``yaml_files`` reads, ``yaml_writer`` writes) and XLSForm.

A format turns bytes or text into the model (``survey.model``) and back, and says every
problem in French. It imports the model and, for safe workbook cells, ``survey.spreadsheet``:
nothing else of the app.
"""
