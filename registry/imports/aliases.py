"""What villages write for a value besides its label, shared by the roster's and the registers' imports."""

#: 文化程度.
EDUCATION_ALIASES = {
    "文盲": "none",
    "半文盲": "none",
    "高中": "senior",
    "中专": "senior",
    "职高": "senior",
    "本科": "bachelor",
    "研究生": "bachelor",
}
