"""Messages to an enterprise: loan decisions and receivable steps, once per event, in both languages."""
