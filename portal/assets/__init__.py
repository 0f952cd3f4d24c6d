"""Asset registration (资产登记, OVERSIGHT §9)."""
