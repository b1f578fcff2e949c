"""Import of a job centre's existing data: agreements, courses, plans and evaluations from
one workbook (or one CSV per sheet), checked in a dry run before anything is written.

limits.py   size and row limits, checked before a file is parsed
reading.py  the upload -> rows per sheet (xlsx or CSV, comma or semicolon)
schema.py   the sheets' columns, declared as pydantic models, with Danish messages
dry_run.py  rows checked against each other and the database: what would be added,
            updated or left unchanged, and every problem with sheet, row and column
apply.py    the import itself: one transaction, every written row audited
template.py the empty workbook with instructions and drop-downs ("Hent skabelon")
report.py   the dry run's report as xlsx
"""
