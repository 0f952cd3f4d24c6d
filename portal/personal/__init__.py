"""The pages where a person looks after their own account: consent, password reset, own data, deletion."""
