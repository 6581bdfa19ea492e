"""The ``castwise`` command line. Subcommand modules are imported only when they run."""
