module github.com/bidcert/bidcert/go

go 1.22
