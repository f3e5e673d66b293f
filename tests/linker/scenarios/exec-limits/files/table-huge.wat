(module (table 0xffffffff funcref) (func (export "_start")))
