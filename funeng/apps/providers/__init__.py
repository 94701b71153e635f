"""Service providers: applications, vetting by officials, profiles."""
