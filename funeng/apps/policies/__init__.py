"""我的政策 and 免申即享: programme evaluations, region runs, notices and 快申快享 review decisions."""
