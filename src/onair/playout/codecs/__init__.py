"""Audio codecs of playout: decoding through FFmpeg (PyAV), MP3 through LAME, Opus and WAV."""

__all__: list[str] = []
