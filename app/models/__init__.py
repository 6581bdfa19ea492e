"""Qt item models over plain row data: every list in the window is model/view.

Each model names its columns and roles with ``IntEnum`` and is checked with pytest-qt's model
tester. Views over them set uniform row heights so 100k rows lay out in constant time.
"""
