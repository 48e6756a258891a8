export { ProfileModal, type ProfileModalProps } from './ProfileModal/ProfileModal';
// The Settings area's Profile section shows the same forms.
export { NameForm } from './NameForm/NameForm';
export { PasswordForm } from './PasswordForm/PasswordForm';
export { useProfileActions } from './useProfileActions';
