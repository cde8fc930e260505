package dataset_test

import (
	"fmt"
	"log"

	"github.com/eqsim/eqsim/dataset"
)

func ExampleLoad() {
	train, _, err := dataset.Load(dataset.Spec{Name: "xor"})
	if err != nil {
		log.Fatal(err)
	}
	for i := range train.Len() {
		fmt.Println(train.Sample(i), train.Labels[i])
	}
	// Output:
	// [0 0] 0
	// [0 1] 1
	// [1 0] 1
	// [1 1] 0
}
