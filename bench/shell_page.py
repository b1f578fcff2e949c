"""An empty page: with bench.pages' app-shell floor, what app.py costs without a page."""
