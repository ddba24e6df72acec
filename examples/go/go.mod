module bidcert/examples/go

go 1.22

require bidcert v0.0.0

replace bidcert => ../../go
