"""供应链金融 supply-chain finance: the financing directory, receivables an anchor confirms and a bank finances."""
