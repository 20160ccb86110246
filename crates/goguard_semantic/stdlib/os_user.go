// Declarations of package os/user used by goguard's light types; signatures only.

package user

type User struct {
	Uid      string
	Gid      string
	Username string
	Name     string
	HomeDir  string
}

func Current() (*User, error)
func Lookup(username string) (*User, error)
func LookupId(uid string) (*User, error)
func (u *User) GroupIds() ([]string, error)

type Group struct {
	Gid  string
	Name string
}

func LookupGroup(name string) (*Group, error)
func LookupGroupId(gid string) (*Group, error)

type UnknownUserError string

func (e UnknownUserError) Error() string

type UnknownUserIdError int

func (e UnknownUserIdError) Error() string

type UnknownGroupError string

func (e UnknownGroupError) Error() string

type UnknownGroupIdError string

func (e UnknownGroupIdError) Error() string
