"""Reading responses the way a browser does, streamed ones included."""


def body(response) -> bytes:
    """The whole body; a streamed export is read to its end (and its queries run)."""
    if response.streaming:
        return b"".join(response.streaming_content)
    return response.content


def form_data(html: bytes | str, form_index: int = -1) -> dict[str, str | list[str]]:
    """What a browser would submit from a page's form without the user touching it.

    Text inputs, checked boxes, the selected options of selects (the first option when a
    single select has none selected, as browsers do) and textareas; multiple values come
    back as lists. ``form_index`` picks the form (the last one by default: the header
    forms such as sign-out come first).
    """
    from html.parser import HTMLParser

    class FormParser(HTMLParser):
        def __init__(self):
            super().__init__(convert_charrefs=True)
            self.forms: list[list[tuple[str, str]]] = []
            self.select: dict | None = None
            self.textarea: list | None = None

        def handle_starttag(self, tag, attrs):
            attrs = dict(attrs)
            if tag == "form":
                self.forms.append([])
            if not self.forms:
                return
            fields = self.forms[-1]
            name = attrs.get("name")
            if tag == "input" and name:
                kind = attrs.get("type", "text")
                if kind in ("checkbox", "radio"):
                    if "checked" in attrs:
                        fields.append((name, attrs.get("value", "on")))
                elif kind not in ("submit", "button", "file", "reset", "image"):
                    fields.append((name, attrs.get("value") or ""))
            elif tag == "select" and name:
                self.select = {
                    "name": name,
                    "multiple": "multiple" in attrs,
                    "first": None,
                    "chosen": [],
                }
            elif tag == "option" and self.select is not None:
                value = attrs.get("value", "")
                if self.select["first"] is None:
                    self.select["first"] = value
                if "selected" in attrs:
                    self.select["chosen"].append(value)
            elif tag == "textarea" and name:
                self.textarea = [name, ""]

        def handle_data(self, data):
            if self.textarea is not None:
                self.textarea[1] += data

        def handle_endtag(self, tag):
            if tag == "select" and self.select is not None:
                chosen = self.select["chosen"]
                if (
                    not chosen
                    and not self.select["multiple"]
                    and self.select["first"] is not None
                ):
                    chosen = [self.select["first"]]
                self.forms[-1].extend((self.select["name"], v) for v in chosen)
                self.select = None
            elif tag == "textarea" and self.textarea is not None:
                # Browsers drop the one newline that follows <textarea>.
                name, text = self.textarea
                self.forms[-1].append((name, text.removeprefix("\n")))
                self.textarea = None

    parser = FormParser()
    parser.feed(html.decode() if isinstance(html, bytes) else html)
    data: dict[str, str | list[str]] = {}
    for name, value in parser.forms[form_index]:
        if name in data:
            previous = data[name]
            data[name] = (
                [*previous, value] if isinstance(previous, list) else [previous, value]
            )
        else:
            data[name] = value
    return data
