"""SP4N-LAPOR! connector: import disposed complaints, push follow-ups, send referrals."""
