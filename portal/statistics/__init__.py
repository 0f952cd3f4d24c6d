"""Public statistics (OVERSIGHT §8(a), R2024 §39): counts and on-time rates from the portal's own records."""
