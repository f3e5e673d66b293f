(module (memory 10) (func (export "_start")))
