"""Wire types shared by the Castwise service and its clients. Imports nothing else of Castwise.

``accounts`` (sign-up, tokens, sessions), ``store`` (claims, prices, purchases, entitlements),
``events`` (live event names and payloads), ``schemas`` (writes the published JSON schemas).
"""
