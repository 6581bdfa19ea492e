"""``python -m app`` runs the ``castwise`` command."""

import sys

from app.cli.main import main

sys.exit(main())
