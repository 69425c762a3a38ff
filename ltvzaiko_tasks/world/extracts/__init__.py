"""Landing-zone extracts: one module per source, each turning a simulated day into its native file format.

Every module declares ``SOURCE`` (the folder under the landing zone), its file name and its columns; the
column-by-column documentation is in ``docs/formats/``.
"""
