"""Wire types shared by the Castwise service and its clients. Imports nothing else of Castwise."""
