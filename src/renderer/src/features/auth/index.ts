export { SignInScreen, type SignInScreenProps } from './SignInScreen/SignInScreen';
export { AcceptInviteScreen, type AcceptInviteScreenProps } from './AcceptInviteScreen/AcceptInviteScreen';
export { useInviteLink, inviteInLocation, type InviteLinkApi } from './useInviteLink';
