"""Standing support: a specialist's recurring weekly or fortnightly time with a named
social worker (or a unit of a municipality), whose occurrences are real bookings."""
