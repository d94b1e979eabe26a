"""Live monitor: active sessions across all workers, their live transcripts, ending them."""
