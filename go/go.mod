module bidcert

go 1.22
