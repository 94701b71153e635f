"""共享用工 shared workforce: workers lent between enterprises, posts, ranked matches, agreements, hours."""
