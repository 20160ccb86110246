package p

func f() {
	{{{ ((( [[[ ]]] ))) }}} ;;; ,,, :: ++ -- .. @@ ## $$
	if for switch select case default := <- -> 
}
