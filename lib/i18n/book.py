"""Strings of the links to the book (D2L) at the end of every page."""

STRINGS = {
    "book.header": {
        "en": "This page follows the book, Dive into Deep Learning:",
        "zh": "本页对应《动手学深度学习》中的这一节：",
    },
    "book.zh": {"en": "Book section (Chinese edition)", "zh": "本节（中文版）"},
    "book.en": {"en": "Book section (English edition)", "zh": "本节（英文版）"},
    "book.forum": {"en": "The chapter's discussion forum", "zh": "本节的讨论区"},
}
