export { ProfileModal, type ProfileModalProps } from './ProfileModal/ProfileModal';
