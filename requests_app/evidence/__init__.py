"""Evidence: canonical JSON, the hash chain, keys, the signed record, its PDF and /verify/."""
