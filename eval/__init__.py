"""asker's evaluation harness: gold cases, comparator, runner and reports (`asker eval`)."""
