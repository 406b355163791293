{{ domain_facts('reconsideration') }}
