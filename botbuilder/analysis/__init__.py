"""Post-call analysis: summary, data fields and success criteria after every session,
run by a durable background job, plus the signed end-of-call webhook."""
