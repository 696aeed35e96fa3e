"""Per-class accuracy: which classes the model gets right, and what it confuses."""

import streamlit as st

from lib import describe, i18n
from lib.charts.classes import accuracy_chart, confusion_chart, confusion_frame
from lib.metrics import (
    class_table,
    confusion_matrix,
    most_confused_with,
    per_class_accuracy,
    predict,
    predict_test_set,
)
from ui.a11y import chart
from ui.context import show_code
from ui.lang import class_names, lang, tr
from ui.panels import run_on_test_set

st.title(tr("per_class.title"))
st.markdown(tr("per_class.intro"))

chosen = run_on_test_set("per_class")
if chosen is None:
    st.stop()

data, run, pred = chosen  # pred: the 10,000 test images
C = confusion_matrix(pred.y, pred.y_pred)  # (10, 10), rows = true labels
other = next(code for code in i18n.LANGS if code != lang())  # the names in the other language too
table = class_table(C, class_names(), also=i18n.class_names(other))  # hardest class first
overall = float(C.diagonal().sum() / C.sum())

st.markdown(tr("per_class.overall", acc=overall, n=int(C.sum())))
hard, easy = table.iloc[0], table.iloc[-1]
st.markdown(
    tr(
        "per_class.hardest",
        name=hard["name"],
        acc=hard["accuracy"],
        other=hard["confused_with"],
        count=hard["confused_count"],
        easy=easy["name"],
        easy_acc=easy["accuracy"],
    )
)

left, right = st.columns([3, 2])
with left:
    st.subheader(tr("per_class.table"))
    st.caption(tr("per_class.table_help"))
    st.dataframe(
        table.drop(columns="class").fillna({"confused_with": "–"}),  # never wrong: "–"
        hide_index=True,
        key="per_class.table",
        column_config={
            "name": tr("per_class.col.name"),
            "also": tr("per_class.col.also"),
            "accuracy": st.column_config.ProgressColumn(
                tr("per_class.col.accuracy"),
                help=tr("per_class.col.accuracy_help"),
                min_value=0.0,
                max_value=1.0,
                format="percent",
            ),
            "count": st.column_config.NumberColumn(tr("per_class.col.count")),
            "confused_with": st.column_config.TextColumn(
                tr("per_class.col.confused_with"), help=tr("per_class.col.confused_help")
            ),
            "confused_count": st.column_config.NumberColumn(tr("per_class.col.confused_count")),
        },
    )
with right:
    st.subheader(tr("per_class.bars"))
    st.caption(tr("per_class.bars_help"))
    chart(  # its data: the table on the left
        accuracy_chart(table, overall, lang()),
        describe.class_accuracy(table, overall, lang()),
    )

st.subheader(tr("per_class.matrix"))
st.caption(tr("per_class.matrix_help"))
chart(
    confusion_chart(C, class_names(), lang()),
    describe.confusion(C, class_names(), lang()),
    confusion_frame(C, class_names()),
    title=tr("per_class.matrix"),
    width="content",
)

show_code(
    predict_test_set, predict, confusion_matrix, per_class_accuracy, most_confused_with, class_table
)
