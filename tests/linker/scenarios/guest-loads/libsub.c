int sub_value(void) { return 4; }
