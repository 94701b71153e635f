"""Building blocks under every app: who a user acts for (Membership, Role), code validators, fields, money, middleware, one-time forms, bulk inserts, throttles, backups."""
