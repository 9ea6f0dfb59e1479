package convert

import (
	"testing"

	"dsb/internal/dbfixture"
)

type expected = dbfixture.Expected

func loadExpected(t testing.TB) (string, expected) { return dbfixture.Load(t) }
