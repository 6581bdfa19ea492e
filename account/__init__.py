"""Client side of the Castwise service: sign-in, purchases and entitlements, private feeds, sync."""
