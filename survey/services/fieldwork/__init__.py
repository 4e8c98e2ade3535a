"""Field sessions: the porteur de parole scribe, post-it and paper transcription,
the wall of words, and door-to-door rounds. Everything lands in the campaign's
answers, with its channel and its session."""
