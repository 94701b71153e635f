"""Policy rules as data: programmes with cited conditions, three-valued evaluation, gaps and batch."""
