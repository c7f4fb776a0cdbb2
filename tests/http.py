"""Reading responses the way a browser does, streamed ones included."""


def body(response) -> bytes:
    """The whole body; a streamed export is read to its end (and its queries run)."""
    if response.streaming:
        return b"".join(response.streaming_content)
    return response.content
