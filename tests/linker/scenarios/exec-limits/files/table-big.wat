;; 500 million elements: refused at once, not 4 GB allocated and zeroed.
(module (table 500000000 funcref) (func (export "_start")))
