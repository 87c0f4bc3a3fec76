"""The self-assessment online: rounds, answers in the browser or by workbook, benchmark and feedback."""
