"""The Castwise desktop application: the Qt GUI, the command line and the composition root.

Only ``app`` builds widgets. Importing this package imports no Qt: the GUI modules are imported
lazily by the command dispatcher when the GUI actually starts.
"""
