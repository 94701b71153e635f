"""授权: the data categories an enterprise shares with a bank, grants, revocations and the log of reads."""
