"""The charts' colours: Okabe and Ito's palette, told apart with any colour vision.

Where colour alone would tell two things apart (naive vs stable, one run from
another), a chart adds a second channel from DASHES or SHAPES. Every colour
in SERIES up to PURPLE reads at least 3:1 on white, as chart marks must
(WCAG 1.4.11); ORANGE, SKY and YELLOW do not, so they come last and never alone.
"""

ORANGE = "#E69F00"
SKY = "#56B4E9"
GREEN = "#009E73"
YELLOW = "#F0E442"
BLUE = "#0072B2"
VERMILLION = "#D55E00"
PURPLE = "#CC79A7"
BLACK = "#000000"
GREY = "#767676"  # text and rules: 4.5:1 on white and on black (light and dark themes)
LIGHT_GREY = "#BBBBBB"  # "the other classes": background bars

# an order for things without a colour of their own (runs, methods)
SERIES = (BLUE, VERMILLION, GREEN, PURPLE, BLACK, ORANGE, SKY)
NAIVE, STABLE = VERMILLION, BLUE  # the book's softmax and the log-sum-exp one, on every page
DASHES = ([1, 0], [6, 3], [2, 2], [8, 3, 2, 3], [12, 4], [4, 4], [1, 3])
SHAPES = ("circle", "square", "triangle-up", "diamond", "cross", "triangle-down", "wedge")
