module github.com/bidcert/bidcert/examples/go

go 1.22

require github.com/bidcert/bidcert/go v0.0.0

replace github.com/bidcert/bidcert/go => ../../go
